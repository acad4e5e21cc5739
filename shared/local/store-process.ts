/**
 * The embedded stores (dynalite and s3rver) in a child process of their own, as DynamoDB and S3 are
 * remote services in production. A store that fails — s3rver has no handler for a write stream's error,
 * so a full disk throws in its process — then costs an error on the requests in flight (retried by the
 * SDK, then by the queue, then dead-lettered), never the pipeline's process. A child that dies is started
 * again on the same ports. The endpoints are written to `<dataDir>/stores.json` while it runs, with
 * `ready` false until the owner says its table is usable (`markReady`, after any upgrade of an old table).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbeddedStores } from './embedded-services.ts';

interface Ports {
  dynamodb: number;
  s3: number;
}

/** Child side: serves the stores until its stdin closes, printing the endpoints as one JSON line. */
async function serve(dataDir: string, bucket: string, ports: Ports): Promise<void> {
  const { startEmbeddedStores } = await import('./embedded-services.ts');
  const stores = await startEmbeddedStores(dataDir, bucket, ports);
  process.stdout.write(`\n${JSON.stringify({ dynamodb: stores.dynamodbEndpoint, s3: stores.s3Endpoint })}\n`);
  for await (const _ of process.stdin) {
    // Served until the parent closes stdin (or dies: the pipe closes with it).
  }
  await stores.close();
  process.exit(0);
}

function startChild(dataDir: string, bucket: string, ports: Ports) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      dataDir,
      bucket,
      String(ports.dynamodb),
      String(ports.s3),
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const ready = new Promise<{ dynamodb: string; s3: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.trim().split('\n').at(-1);
      if (line?.startsWith('{')) resolve(JSON.parse(line) as { dynamodb: string; s3: string });
    });
    child.once('exit', (code) =>
      reject(new Error(`embedded stores exited (${code}) before serving: ${stderr}`)),
    );
  });
  return { child, ready, stderr: () => stderr };
}

/**
 * Starts the stores' process and keeps it running: when it dies it is restarted on the same ports (and
 * `log` says why). `close()` stops it for good.
 */
export async function startStoreProcess(
  dataDir: string,
  bucket: string,
  log: (line: string) => void,
): Promise<EmbeddedStores & { restarts(): number; markReady(): Promise<void> }> {
  let closing = false;
  let restarts = 0;
  let current = startChild(dataDir, bucket, { dynamodb: 0, s3: 0 });
  const endpoints = await current.ready;
  const ports = {
    dynamodb: Number(new URL(endpoints.dynamodb).port),
    s3: Number(new URL(endpoints.s3).port),
  };
  const lockFile = join(dataDir, 'stores.json');
  // `ready: false` until the owner has its table as its code needs it (markReady): another command finding
  // the stores meanwhile waits, instead of writing into a table being rebuilt (running-stores.ts).
  const writeLock = async (ready: boolean) => {
    const tmp = `${lockFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify({ pid: process.pid, ...endpoints, ready }, null, 2));
    await rename(tmp, lockFile);
  };
  await writeLock(false);
  const watch = (child: ChildProcess, stderr: () => string) => {
    child.once('exit', (code, signal) => {
      if (closing) return;
      restarts += 1;
      log(
        `embedded stores stopped (${signal ?? code}): ${stderr().trim().split('\n').slice(-3).join(' | ')}; restarting`,
      );
      current = startChild(dataDir, bucket, ports);
      current.ready.catch((e: unknown) => log(`embedded stores could not restart: ${String(e)}`));
      watch(current.child, current.stderr);
    });
  };
  watch(current.child, current.stderr);
  return {
    dynamodbEndpoint: endpoints.dynamodb,
    s3Endpoint: endpoints.s3,
    restarts: () => restarts,
    markReady: () => writeLock(true),
    async close() {
      closing = true;
      const child = current.child;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin?.end();
        await exited;
      }
      await rm(lockFile, { force: true });
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dataDir, bucket, dynamodb, s3] = process.argv.slice(2);
  await serve(dataDir!, bucket!, { dynamodb: Number(dynamodb), s3: Number(s3) });
}
