/**
 * The public endpoint of an AWS service in a region, e.g.
 * `https://sqs.eu-west-1.amazonaws.com` (`amazonaws.com.cn` in China).
 *
 * @example Usage
 * ```ts
 * awsServiceEndpoint("sqs", "eu-west-1").href; // "https://sqs.eu-west-1.amazonaws.com/"
 * ```
 */
export function awsServiceEndpoint(service: string, region: string): URL {
  const domain = region.startsWith("cn-")
    ? "amazonaws.com.cn"
    : "amazonaws.com";
  return new URL(`https://${service}.${region}.${domain}`);
}
