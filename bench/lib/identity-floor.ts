/**
 * The identity floor, shared by the parse and memory sections: what any reader that keeps identity
 * must do at the read points of `llmDocument`'s text, whatever its design.
 */

/** How many talks have begun at each read point (every `stride` characters) of `llmDocument`'s text. */
export function talksBegun(text: string, stride: number): number[] {
  const starts: number[] = [];
  const talkStart = /\n {4}\{/g; // records sit at indentation 4 in the pretty-printed text
  for (let m = talkStart.exec(text); m; m = talkStart.exec(text)) starts.push(m.index);
  const begun: number[] = [];
  let n = 0;
  for (let end = stride; end <= text.length; end += stride) {
    while (n < starts.length && starts[n]! < end) n++;
    begun.push(n);
  }
  return begun;
}

/**
 * The least any reader that keeps identity must do at the same read points, whatever its design: copy
 * the containers on the path to what changed (the root, the list of talks, the open talk), here taken
 * from the final value, with no parsing and no strings built. Specific to the shape of `llmDocument`.
 */
export function pathCopies(
  text: string,
  doc: { title: string; summary: string; talks: object[] },
  stride: number,
): () => unknown {
  const begun = talksBegun(text, stride);
  return () => {
    const items: object[] = [];
    let snapshot: unknown;
    for (const count of begun) {
      while (items.length < count) items.push(doc.talks[items.length]!);
      const talks = items.slice();
      if (count > 0) talks[count - 1] = { ...doc.talks[count - 1] };
      snapshot = { title: doc.title, summary: doc.summary, talks };
    }
    return snapshot;
  };
}
