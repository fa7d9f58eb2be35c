/**
 * `load_episodes` keeps its own last-run record beside the harvest's
 * checkpoint and writes its own metrics, also when Elasticsearch rejects
 * documents.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import { runMain } from "../support/run_main.ts";
import { parseRunRecord } from "../../src/run_record/parse_run_record.ts";
import { parsePrometheusText } from "../support/parse_prometheus_text.ts";
import { simulator } from "../support/simulator.ts";
import { loadEpisodesArgs } from "../support/load_episodes_args.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("load_episodes records its run (exit 7, counts) and writes its metrics", async () => {
  await using sim = await simulator({ episodes: 40, actions: 10 });
  const rejected = sim.episodes()[3]!.id;
  await using es = startElasticsearchFake({
    rejectIds: { [rejected]: "failed to parse field [duration]" },
  });
  await withTempDir(async (dir) => {
    const metrics = join(dir, "load_episodes.prom");
    const result = await runMain(
      loadEpisodesArgs(
        sim,
        es,
        "-c",
        "200",
        "--metrics-file",
        metrics,
        "--state-file",
        join(dir, "checkpoint.json"),
      ),
      { cwd: dir },
    );
    assert.equal(result.code, 7, result.stderr);
    const path = join(dir, "checkpoint.json.load_episodes.last-run.json");
    const record = parseRunRecord(await Deno.readTextFile(path), path);
    assert.equal(record.command, "load_episodes");
    assert.equal(record.exitCode, 7);
    assert.equal(record.counts.episodesFound, 40);
    assert.equal(record.counts.episodesIndexed, 39);
    assert.equal(record.counts.documentsRejected, 1);
    assert.equal(record.counts.workflowsFetched, 40);
    assert.match(record.error ?? "", new RegExp(rejected));
    const families = parsePrometheusText(await Deno.readTextFile(metrics));
    const sample = families.get("ua_harvest_episodes_indexed_total")
      ?.samples[0];
    assert.equal(sample?.value, 39);
    assert.equal(sample?.labels.command, "load_episodes");
    assert.equal(
      families.get("ua_harvest_documents_rejected_total")?.samples[0]?.value,
      1,
    );
    // The harvest's record is another file.
    assert.equal(
      await Deno.stat(join(dir, "checkpoint.json.last-run.json")).then(
        () => true,
        () => false,
      ),
      false,
    );
  });
});
