/**
 * The daily index of a record: `<prefix>YYYY.MM.DD` from its timestamp's UTC
 * date (the Logstash convention the original's consumers used). Pure.
 *
 * @param timestamp an ISO 8601 instant with an offset, e.g. `2017-03-01T19:05:09+00:00`
 * @throws {RangeError} when the timestamp is not a date
 */
export function dailyIndexName(prefix: string, timestamp: string): string {
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) {
    throw new RangeError(
      `Cannot choose a daily index for timestamp ${
        JSON.stringify(timestamp)
      }: it is not an ISO 8601 date`,
    );
  }
  const date = new Date(millis).toISOString().slice(0, 10);
  return prefix + date.replaceAll("-", ".");
}
