/** The conference-extraction example (instructor's streaming docs), shared by the console example and the demo. */
import * as z from 'zod';

export const User = z.object({
  name: z.string(),
  email: z.email(),
  twitter: z.string(),
});

export const MeetingInfo = z.object({
  users: z.array(User),
  date: z.iso.date(),
  location: z.string(),
  budget: z.number().int(),
  deadline: z.iso.date(),
});

export type MeetingInfo = z.output<typeof MeetingInfo>;

export const MEETING_TEXT = `In our recent online meeting, participants from various backgrounds joined to discuss the upcoming tech conference. The names and contact details of the participants were as follows:

- Name: John Doe, Email: john.doe@example.com, Twitter: @TechGuru44
- Name: Jane Smith, Email: jane.smith@example.com, Twitter: @DigitalDiva88
- Name: Alex Johnson, Email: alex.johnson@example.com, Twitter: @CodeMaster2023

During the meeting, we agreed on several key points. The conference will be held on March 15th, 2024, at the Grand Tech Arena located at 4521 Innovation Drive. Dr. Emily Johnson, a renowned AI researcher, will be our keynote speaker.

The budget for the event is set at $50,000, covering venue costs, speaker fees, and promotional activities. Each participant is expected to contribute an article to the conference blog by February 20th.`;

/** The extraction the model returns for {@link MEETING_TEXT}. */
export const MEETING_RESULT: MeetingInfo = {
  users: [
    { name: 'John Doe', email: 'john.doe@example.com', twitter: '@TechGuru44' },
    { name: 'Jane Smith', email: 'jane.smith@example.com', twitter: '@DigitalDiva88' },
    { name: 'Alex Johnson', email: 'alex.johnson@example.com', twitter: '@CodeMaster2023' },
  ],
  date: '2024-03-15',
  location: 'Grand Tech Arena located at 4521 Innovation Drive',
  budget: 50000,
  deadline: '2024-02-20',
};
