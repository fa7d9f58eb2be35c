/**
 * A private certificate authority made with openssl at test time, and a
 * server certificate it signed for 127.0.0.1 and localhost, for tests of
 * https against servers a machine does not trust by default; and an https
 * proxy that puts any loopback fake behind that certificate.
 *
 * @module
 */
import { join } from "node:path";

/** The CA and the server certificate it signed. */
export interface PrivateCa {
  /** The CA certificate's PEM file (what `UA_HARVEST_CA_CERT` names). */
  readonly caPath: string;
  /** The server certificate (PEM) for 127.0.0.1 and localhost. */
  readonly cert: string;
  /** Its private key (PEM). */
  readonly key: string;
}

/** Whether openssl can be run here. */
export const HAS_OPENSSL = (() => {
  try {
    return new Deno.Command("openssl", { args: ["version"] }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

async function openssl(dir: string, args: string[]): Promise<void> {
  const output = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `openssl ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
}

/** Makes a CA and a server certificate in `dir`. */
export async function createPrivateCa(dir: string): Promise<PrivateCa> {
  await openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=ua-harvest test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  ]);
  await openssl(dir, [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  ]);
  await Deno.writeTextFile(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "server.ext",
    "-out",
    "server.pem",
  ]);
  return {
    caPath: join(dir, "ca.pem"),
    cert: await Deno.readTextFile(join(dir, "server.pem")),
    key: await Deno.readTextFile(join(dir, "server.key")),
  };
}

/**
 * Serves `handler` over https with `ca`'s server certificate on a free
 * 127.0.0.1 port, silently: a client refusing the certificate is what some
 * tests want, and a handler that throws answers 502.
 */
export function serveHttps(
  ca: PrivateCa,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    {
      hostname: "127.0.0.1",
      port: 0,
      cert: ca.cert,
      key: ca.key,
      onListen: () => {},
      onError: () => new Response("https test server error", { status: 502 }),
    },
    handler,
  );
}

/** An https server in front of a loopback http one. */
export interface TlsProxy extends AsyncDisposable {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** Requests that reached the proxy (a TLS handshake that failed never does). */
  readonly requests: number;
}

/**
 * Serves https with `ca`'s server certificate on a free loopback port and
 * forwards every request to `target` (`http://127.0.0.1:<port>`), so any
 * loopback fake can be reached over https as through a TLS-terminating
 * load balancer.
 */
export function startTlsProxy(target: string, ca: PrivateCa): TlsProxy {
  let requests = 0;
  const server = serveHttps(
    ca,
    async (request) => {
      requests++;
      const url = new URL(request.url);
      const response = await fetch(`${target}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: "manual",
      });
      return new Response(response.body, {
        status: response.status,
        headers: response.headers,
      });
    },
  );
  return {
    url: `https://127.0.0.1:${server.addr.port}`,
    get requests() {
      return requests;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
