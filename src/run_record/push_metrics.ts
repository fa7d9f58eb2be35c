import { Pushgateway, type Registry } from "prom-client";
import { caBundle } from "../tls/read_ca_cert.ts";

/** Options for {@linkcode pushMetrics}. */
export interface PushMetricsOptions {
  /** The Pushgateway, e.g. `http://pushgateway:9091` (user:password@ allowed). */
  readonly url: string;
  /** The metrics to push. */
  readonly registry: Registry;
  /** The grouping label `command` (`harvest`, `load_episodes`). */
  readonly command: string;
  /**
   * How long the push may take in all: a slow gateway must not hold up
   * cron.
   *
   * @default 5000
   */
  readonly timeoutMs?: number;
  /**
   * A PEM bundle of CAs trusted in addition to the system's
   * (`UA_HARVEST_CA_CERT`), for a gateway behind a private CA.
   *
   * @default {undefined}
   */
  readonly caCertPath?: string | undefined;
}

/**
 * Pushes the metrics under job `ua_harvest` and grouping label `command`,
 * with POST: metrics this push leaves out (the last success time, when
 * unknown) keep the value an earlier push gave them. Rejects on failure or
 * when the deadline passes; the caller turns that into a warning.
 */
export async function pushMetrics(options: PushMetricsOptions): Promise<void> {
  const { url, registry, command, timeoutMs = 5000, caCertPath } = options;
  const ca = caBundle(caCertPath);
  const gateway = new Pushgateway(
    url,
    { timeout: timeoutMs, ...(ca === undefined ? {} : { ca }) },
    registry,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const push = gateway.pushAdd({
    jobName: "ua_harvest",
    groupings: { command },
  });
  // A push that fails after the deadline won must not surface as an
  // unhandled rejection.
  push.catch(() => {});
  try {
    await Promise.race([push, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
