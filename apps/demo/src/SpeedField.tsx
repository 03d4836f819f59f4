const SPEEDS = [
  { value: 1, label: '1×' },
  { value: 4, label: '4×' },
  { value: 0, label: 'instant' },
];

/** The replay speed of a recording: 1× its recorded pace, 4×, or instant. */
export function SpeedField({
  id,
  speed,
  onChange,
  disabled = false,
}: {
  id: string;
  speed: number;
  onChange: (speed: number) => void;
  /** While a stream runs: its speed was chosen when it started. */
  disabled?: boolean;
}) {
  return (
    <div className="field inline">
      <label htmlFor={id}>Replay speed</label>
      <select id={id} value={speed} disabled={disabled} onChange={(e) => onChange(Number(e.target.value))}>
        {SPEEDS.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </div>
  );
}
