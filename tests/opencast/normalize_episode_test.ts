import assert from "node:assert/strict";
import { ApiContractError } from "../../src/errors.ts";
import { normalizeEpisode } from "../../src/opencast/normalize_episode.ts";
import type { Episode } from "../../src/opencast/types.ts";
import { LECTURE_FIELDS, LECTURE_MPID } from "../support/lecture_example.ts";
import { assertContractError } from "../support/assert_contract_error.ts";

const MP_ID = LECTURE_MPID;

const SOLR_RESULT = {
  id: MP_ID,
  org: "mh_default_org",
  mediapackage: {
    id: MP_ID,
    start: "2016-10-21T17:30:00Z",
    duration: "5318000",
    title: "Lecture 07: Greedy Algorithms",
    series: 20160112345,
    seriestitle: "CSCI E-119 Data Structures",
    attachments: {
      attachment: [
        {
          id: "a-1",
          type: "presenter/player+preview",
          ref: "track:t-101",
          tags: { tag: "engage" },
          url: "https://cdn.example.edu/e/5f1c/presenter_player.jpg",
        },
        {
          id: "a-3",
          type: "presentation/segment+preview",
          ref: "track:t-102;time=T00:00:00:0F1000",
          tags: "",
          url: "https://cdn.example.edu/e/5f1c/seg0.jpg",
        },
      ],
    },
  },
  dcExtent: 5318000,
  dcTitle: "Lecture 07: Greedy Algorithms",
  dcDescription: "Lecture",
  dcCreated: "2016-10-21T13:30:00-04:00",
  dcIsPartOf: 20160112345,
  dcType: "L07",
  keywords: "",
};

const EXPECTED: Episode = {
  ...LECTURE_FIELDS,
  attachments: [
    {
      type: "presenter/player+preview",
      url: "https://cdn.example.edu/e/5f1c/presenter_player.jpg",
      ref: "track:t-101",
    },
    {
      type: "presentation/segment+preview",
      url: "https://cdn.example.edu/e/5f1c/seg0.jpg",
      ref: "track:t-102;time=T00:00:00:0F1000",
    },
  ],
};

Deno.test("normalizeEpisode() reads a Solr-era result with a string duration and a numeric series", () => {
  assert.deepEqual(normalizeEpisode(SOLR_RESULT), EXPECTED);
});

Deno.test("normalizeEpisode() reads a single attachment given as a bare object, and none at all", () => {
  const one = normalizeEpisode({
    ...SOLR_RESULT,
    mediapackage: {
      ...SOLR_RESULT.mediapackage,
      attachments: {
        attachment: SOLR_RESULT.mediapackage.attachments.attachment[0],
      },
    },
  });
  assert.deepEqual(one.attachments, [EXPECTED.attachments[0]]);
  const none = normalizeEpisode({
    id: MP_ID,
    mediapackage: { id: MP_ID, attachments: "" },
  });
  assert.deepEqual(none, { id: MP_ID, attachments: [] });
});

Deno.test("normalizeEpisode() reads the OC 16 shape: dc lists, doubles, series from dc.isPartOf", () => {
  // JSON text, so 2.0160112345E10 and 5318000.0 go through JSON.parse as on the wire.
  const raw = JSON.parse(`{
    "mediapackage": {"id": "${MP_ID}", "start": "2016-10-21T17:30:00Z",
      "duration": 5318000.0, "title": "Lecture 07: Greedy Algorithms",
      "series": 2.0160112345E10, "seriestitle": "CSCI E-119 Data Structures",
      "attachments": {"attachment": {"id": "a-1", "type": "presenter/player+preview",
        "ref": "track:t-101", "size": 48211.0, "tags": "",
        "url": "https://cdn.example.edu/e/5f1c/presenter_player.jpg"}}},
    "dc": {"title": ["Lecture 07: Greedy Algorithms"], "isPartOf": ["20160112345"],
      "created": ["2016-10-21T17:30:00Z"], "identifier": ["${MP_ID}"]},
    "acl": [{"action": "read", "role": "ROLE_ANONYMOUS", "allow": true}],
    "org": "mh_default_org", "type": "Episode", "modified": "2024-03-02T10:11:12.345Z"}`);
  assert.deepEqual(normalizeEpisode(raw), {
    id: MP_ID,
    title: "Lecture 07: Greedy Algorithms",
    duration: 5318000,
    start: "2016-10-21T17:30:00Z",
    seriesTitle: "CSCI E-119 Data Structures",
    series: "20160112345",
    dcCreated: "2016-10-21T17:30:00Z",
    modified: "2024-03-02T10:11:12.345Z",
    attachments: [EXPECTED.attachments[0]],
  });
});

Deno.test("normalizeEpisode() throws ApiContractError for a result without an id", () => {
  assertContractError(
    () => normalizeEpisode({ mediapackage: {} }),
    "/search/episode.json",
  );
  assert.throws(() => normalizeEpisode("nope"), ApiContractError);
});
