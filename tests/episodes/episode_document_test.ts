import assert from "node:assert/strict";
import {
  buildEpisodeDocument,
  type EpisodeDocument,
} from "../../src/episodes/episode_document.ts";
import type { Episode, Workflow } from "../../src/opencast/types.ts";
import {
  LECTURE_FIELDS,
  LECTURE_MPID,
  LIVE_OPERATIONS,
} from "../support/lecture_example.ts";

const MPID = LECTURE_MPID;

const FULL_EPISODE: Episode = {
  ...LECTURE_FIELDS,
  attachments: [
    {
      type: "presenter/player+preview",
      ref: "track:t-101",
      url: "https://cdn.example.edu/presenter_player.jpg",
    },
    {
      type: "presenter/player+preview",
      ref: "track:t-103",
      url: "https://cdn.example.edu/second_presenter_player.jpg",
    },
    {
      type: "presentation/player+preview",
      ref: "track:t-102",
      url: "https://cdn.example.edu/presentation_player.jpg",
    },
    {
      type: "presentation/segment+preview",
      ref: "track:t-102;time=T00:00:00:0F1000",
      url: "https://cdn.example.edu/seg0.jpg",
    },
    {
      type: "presentation/search+preview",
      ref: "track:t-102;time=T00:00:00:0F1000",
      url: "https://cdn.example.edu/search.jpg",
    },
    {
      type: "presentation/segment+preview",
      ref: "track:t-102;time=T00:04:12:500F1000",
      url: "https://cdn.example.edu/seg1.jpg",
    },
  ],
};

const LIVE_WORKFLOW: Workflow = {
  id: 48213,
  state: "SUCCEEDED",
  template: "DCE-archive-publish-external",
  operations: LIVE_OPERATIONS,
};

/** What the live workflow adds: the capture's start, end and length. */
const LIVE_FIELDS = {
  live_stream: 1,
  live_start: "2016-10-21T17:30:00+00:00",
  live_end: "2016-10-21T18:58:38+00:00",
  live_duration: 5318000,
} as const;

const BASE_FIELDS: EpisodeDocument = {
  mpid: MPID,
  title: "Lecture 07: Greedy Algorithms",
  duration: 5318000,
  start: "2016-10-21T17:30:00+00:00",
  course: "CSCI E-119 Data Structures",
  series: "20160112345",
  year: "2016",
  term: "01",
  crn: "12345",
  type: "L07",
  description: "Lecture",
};

/** `fields` without `keys`, the rest in their order. */
function without(
  fields: EpisodeDocument,
  ...keys: string[]
): EpisodeDocument {
  return Object.fromEntries(
    Object.entries(fields).filter(([key]) => !keys.includes(key)),
  ) as EpisodeDocument;
}

const STILLS_AND_SLIDES = {
  presenter_still: "https://cdn.example.edu/presenter_player.jpg",
  presentation_still: "https://cdn.example.edu/presentation_player.jpg",
  slides: [
    { img: "https://cdn.example.edu/seg0.jpg", time: "T00:00:00:0F1000" },
    { img: "https://cdn.example.edu/seg1.jpg", time: "T00:04:12:500F1000" },
  ],
};

const CASES: {
  name: string;
  episode: Episode;
  workflow: Workflow | null;
  expected: EpisodeDocument;
}[] = [
  {
    name: "a full episode with a live workflow gets every field",
    episode: FULL_EPISODE,
    workflow: LIVE_WORKFLOW,
    expected: {
      ...BASE_FIELDS,
      ...STILLS_AND_SLIDES,
      ...LIVE_FIELDS,
      available: "2016-10-21T20:00:04.512000+00:00",
    },
  },
  {
    name: "no workflow leaves out every workflow field",
    episode: FULL_EPISODE,
    workflow: null,
    expected: { ...BASE_FIELDS, ...STILLS_AND_SLIDES },
  },
  {
    name: "a workflow without capture is not live but still has availability",
    episode: FULL_EPISODE,
    workflow: {
      ...LIVE_WORKFLOW,
      operations: LIVE_WORKFLOW.operations.filter((op) =>
        op.name !== "capture"
      ),
    },
    expected: {
      ...BASE_FIELDS,
      ...STILLS_AND_SLIDES,
      live_stream: 0,
      available: "2016-10-21T20:00:04.512000+00:00",
    },
  },
  {
    name: "a workflow without retract-element has no availability",
    episode: FULL_EPISODE,
    workflow: {
      ...LIVE_WORKFLOW,
      operations: LIVE_WORKFLOW.operations.filter((op) =>
        op.name !== "retract-element"
      ),
    },
    expected: {
      ...BASE_FIELDS,
      ...STILLS_AND_SLIDES,
      ...LIVE_FIELDS,
    },
  },
  {
    name: "a capture that has not completed has a start but no end or duration",
    episode: FULL_EPISODE,
    workflow: {
      ...LIVE_WORKFLOW,
      operations: [{ name: "capture", started: 1477071000000 }],
    },
    expected: {
      ...BASE_FIELDS,
      ...STILLS_AND_SLIDES,
      live_stream: 1,
      live_start: "2016-10-21T17:30:00+00:00",
    },
  },
  {
    name: "no series leaves out course, series, year, term and crn",
    episode: { ...FULL_EPISODE, series: undefined, seriesTitle: undefined },
    workflow: null,
    expected: {
      ...without(BASE_FIELDS, "course", "series", "year", "term", "crn"),
      ...STILLS_AND_SLIDES,
    },
  },
  {
    name: "a series title without a series gives course alone",
    episode: { ...FULL_EPISODE, series: undefined },
    workflow: null,
    expected: {
      ...without(BASE_FIELDS, "series", "year", "term", "crn"),
      ...STILLS_AND_SLIDES,
    },
  },
  {
    name: "a series without a title leaves out course only",
    episode: { ...FULL_EPISODE, seriesTitle: undefined },
    workflow: null,
    expected: {
      ...without(BASE_FIELDS, "course"),
      ...STILLS_AND_SLIDES,
    },
  },
  {
    name: "no attachments leaves out stills and slides",
    episode: { ...FULL_EPISODE, attachments: [] },
    workflow: null,
    expected: BASE_FIELDS,
  },
  {
    name: "a single attachment gives only its still",
    episode: { ...FULL_EPISODE, attachments: [FULL_EPISODE.attachments[2]] },
    workflow: null,
    expected: {
      ...BASE_FIELDS,
      presentation_still: "https://cdn.example.edu/presentation_player.jpg",
    },
  },
  {
    name: "a start with an offset is converted to UTC",
    episode: {
      id: MPID,
      title: "Offset",
      start: "2016-10-21T13:30:00-04:00",
      attachments: [],
    },
    workflow: null,
    expected: {
      mpid: MPID,
      title: "Offset",
      start: "2016-10-21T17:30:00+00:00",
    },
  },
  {
    name: "a start with a fraction of a second keeps it to the microsecond",
    episode: {
      id: MPID,
      start: "2016-10-21T13:30:00.25-04:00",
      attachments: [],
    },
    workflow: null,
    expected: { mpid: MPID, start: "2016-10-21T17:30:00.250000+00:00" },
  },
  {
    // Reading it in the machine's zone would make the document depend on
    // where the tool runs.
    name: "a start without an offset is left out rather than guessed",
    episode: { id: MPID, start: "2016-10-21T13:30:00", attachments: [] },
    workflow: null,
    expected: { mpid: MPID },
  },
  {
    name: "an unreadable start is left out",
    episode: { id: MPID, start: "last Tuesday", attachments: [] },
    workflow: null,
    expected: { mpid: MPID },
  },
  {
    name: "workflow times outside a date's range are left out, not thrown",
    episode: { id: MPID, attachments: [] },
    workflow: {
      ...LIVE_WORKFLOW,
      operations: [
        { name: "capture", started: 1477071000000, completed: 1e20 },
        { name: "retract-element", completed: -1e20 },
      ],
    },
    expected: {
      mpid: MPID,
      live_stream: 1,
      live_start: "2016-10-21T17:30:00+00:00",
      live_duration: 1e20 - 1477071000000,
    },
  },
  {
    name: "a bare episode has only its id and the fields it has",
    episode: { id: MPID, attachments: [] },
    workflow: null,
    expected: { mpid: MPID },
  },
];

for (const { name, episode, workflow, expected } of CASES) {
  Deno.test(`buildEpisodeDocument(): ${name}`, () => {
    assert.deepEqual(buildEpisodeDocument(episode, workflow), expected);
  });
}

Deno.test("buildEpisodeDocument() truncates a fractional duration to an integer", () => {
  const document = buildEpisodeDocument(
    { id: MPID, duration: 5318000.7, attachments: [] },
    null,
  );
  assert.equal(document.duration, 5318000);
});
