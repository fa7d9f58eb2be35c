/**
 * Every default setting, each written once: the flags' defaults (and so
 * their `--help`), the library modules' option defaults, and the README
 * agree because they all read these. Units are the flags' (seconds, minutes);
 * a module that counts milliseconds converts.
 *
 * @module
 */

// --- harvest: the window and the pages --------------------------------------

/** Actions per usertracking page (`-b, --batch-size`). */
export const DEFAULT_BATCH_SIZE = 1000;

/** With no `--start` and no checkpoint, harvest this many minutes back (`-i`, `DEFAULT_INTERVAL`). */
export const DEFAULT_INTERVAL_MINUTES = 2;

/** Pause between page requests, seconds (`-w, --wait`). */
export const DEFAULT_WAIT_SECONDS = 1;

// --- episodes and their cache -----------------------------------------------

/** How long a fetched episode is cached, seconds (`--cache-ttl`, `EPISODE_CACHE_EXPIRE`). */
export const DEFAULT_EPISODE_TTL_SECONDS = 1800;

/** How long "no such episode" is cached, seconds (`--missing-episode-ttl`). */
export const DEFAULT_MISSING_EPISODE_TTL_SECONDS = 300;

/**
 * The most episode lookups in flight (`--episode-concurrency`); the lookup
 * starts at 4 and goes up only while the engage node answers as fast.
 */
export const DEFAULT_EPISODE_CONCURRENCY = 64;

/**
 * DCE action pages asked for at once, once the first page tells how many
 * there are (fewer round trips in a row; one at a time with `--wait`).
 */
export const DEFAULT_PAGE_REQUESTS_IN_FLIGHT = 2;

/** Pages fetched and enriched ahead of the one being delivered (`--pages-in-flight`). */
export const DEFAULT_PAGES_IN_FLIGHT = 4;

// --- Opencast ---------------------------------------------------------------

/** Opencast auth scheme (`--auth`, `OPENCAST_AUTH`). */
export const DEFAULT_OPENCAST_AUTH = "digest" as const;

/** Opencast API variant (`--opencast-api`): detect it from the server's answers. */
export const DEFAULT_OPENCAST_API = "auto" as const;

/** Per-request timeout for Opencast, seconds (`--timeout`, `OPENCAST_TIMEOUT`). */
export const DEFAULT_OPENCAST_TIMEOUT_SECONDS = 30;

/** Attempts per Opencast request (`--max-attempts`, `OPENCAST_MAX_ATTEMPTS`). */
export const DEFAULT_OPENCAST_MAX_ATTEMPTS = 5;

/** The workflow definition holding the live capture, DCE's (`--workflow-definition`). */
export const DEFAULT_WORKFLOW_DEFINITION = "DCE-archive-publish-external";

/** Workflow lookups in parallel (`--workflow-concurrency`). */
export const DEFAULT_WORKFLOW_CONCURRENCY = 4;

/** `load_episodes` takes the episodes created this many days ago until now (`-c`). */
export const DEFAULT_CREATED_FROM_DAYS_AGO = 1;

// --- SQS and S3 -------------------------------------------------------------

/** AWS region when neither `AWS_REGION` nor `AWS_DEFAULT_REGION` is set. */
export const DEFAULT_AWS_REGION = "us-east-1";

/** SQS batch payload limit, bytes: SQS's own default (`--sqs-max-payload`). */
export const DEFAULT_SQS_MAX_PAYLOAD_BYTES = 262_144;

/** MessageGroupId of a FIFO queue (`--fifo-group-by`). */
export const DEFAULT_FIFO_GROUP_BY = "mpid" as const;

/** Per-attempt timeout for S3, seconds (`--s3-timeout`). */
export const DEFAULT_S3_TIMEOUT_SECONDS = 10;

/** Per-attempt timeout for SQS, seconds (`--sqs-timeout`). */
export const DEFAULT_SQS_TIMEOUT_SECONDS = 10;

// --- Redis and the run lock -------------------------------------------------

/** Redis port when `REDIS_HOST` is set without `REDIS_PORT`. */
export const DEFAULT_REDIS_PORT = 6379;

/** Timeout of one Redis command, lock renewals included, seconds (`--redis-timeout`). */
export const DEFAULT_REDIS_TIMEOUT_SECONDS = 5;

/** How long the run lock outlives a run that died, seconds (`--lock-ttl`). */
export const DEFAULT_LOCK_TTL_SECONDS = 60;

// --- Elasticsearch ----------------------------------------------------------

/** The episode index (`--es_index`, `EPISODE_INDEX_NAME`). */
export const DEFAULT_EPISODE_INDEX = "episodes";

/** Prefix of the daily action indexes (`--es-index-prefix`, `ES_ACTION_INDEX_PREFIX`). */
export const DEFAULT_ACTION_INDEX_PREFIX = "useractions-";

/** Per-attempt timeout for Elasticsearch, seconds (`--es-timeout`). */
export const DEFAULT_ELASTICSEARCH_TIMEOUT_SECONDS = 30;

// --- logging ----------------------------------------------------------------

/** `--log-level`, `LOG_LEVEL`. */
export const DEFAULT_LOG_LEVEL = "info" as const;

/** `--log-format`, `LOG_FORMAT`. */
export const DEFAULT_LOG_FORMAT = "text" as const;

/**
 * How far apart in `created`, in seconds, two upstream rows of one engage
 * node's id block may be stored in the other order (a slow commit): the
 * midnight id walk's margin, and how far the upstream checkpoint is held back
 * while a day read for the first time comes in no particular order.
 */
export const UPSTREAM_ID_MARGIN_SECONDS = 10;

// --- Matomo -------------------------------------------------------------------

/** The Matomo site whose visits are read (`--matomo-site-id`, `MATOMO_SITE_ID`). */
export const DEFAULT_MATOMO_SITE_ID = 1;

/**
 * Per-attempt timeout for Matomo, seconds: `Live.getLastVisitsDetails` reads
 * the raw log and has no execution limit by default (matomo-api.md §3).
 */
export const DEFAULT_MATOMO_TIMEOUT_SECONDS = 60;

/** Attempts per Matomo request (a refused token is never retried). */
export const DEFAULT_MATOMO_MAX_ATTEMPTS = 5;

/**
 * How far back each Matomo run reads again, minutes (`--matomo-overlap`,
 * `MATOMO_OVERLAP_MINUTES`): visits that queued tracking (or a slow tracker)
 * stores late carry their own, older times. Matomo's visit timeout: a
 * request queued longer than a visit lasts idle is past saving anyway.
 */
export const DEFAULT_MATOMO_OVERLAP_MINUTES = 30;

/** Visits per `Live.getLastVisitsDetails` page read with their actions. */
export const DEFAULT_MATOMO_VISITS_PER_PAGE = 100;

/** Visits per page past the window's end, listed without their actions. */
export const DEFAULT_MATOMO_TAIL_VISITS_PER_PAGE = 500;

/**
 * How far past a window's end the visits that began by then are looked for,
 * seconds: a visit that holds actions of the window can go on long after it
 * (a lecture, anonymous viewers merged into one visit). One that goes on for
 * more than a day past it is not read.
 */
export const MATOMO_VISIT_TAIL_SECONDS = 86_400;
