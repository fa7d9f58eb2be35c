/**
 * One lecture as Opencast describes it after normalizing (the episode's
 * scalar fields and its live workflow's operations), shared by the
 * normalizer tests that produce it and the document tests that start from it.
 *
 * @module
 */
import type { Episode, Workflow } from "../../src/opencast/types.ts";

/** The lecture's mediapackage id. */
export const LECTURE_MPID = "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11";

/** Its normalized episode, attachments aside (each test has its own). */
export const LECTURE_FIELDS: Omit<Episode, "attachments"> = {
  id: LECTURE_MPID,
  title: "Lecture 07: Greedy Algorithms",
  duration: 5318000,
  start: "2016-10-21T17:30:00Z",
  seriesTitle: "CSCI E-119 Data Structures",
  series: "20160112345",
  dcCreated: "2016-10-21T13:30:00-04:00",
  dcType: "L07",
  dcDescription: "Lecture",
};

/** The operations of its live publishing workflow, normalized. */
export const LIVE_OPERATIONS: Workflow["operations"] = [
  {
    name: "capture",
    state: "SUCCEEDED",
    started: 1477071000000,
    completed: 1477076318000,
  },
  {
    name: "retract-element",
    state: "SUCCEEDED",
    started: 1477080002000,
    completed: 1477080004512,
  },
  { name: "publish-engage", state: "SKIPPED" },
];
