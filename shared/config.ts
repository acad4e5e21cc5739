import { z } from 'zod';
import { normaliseOrigin } from './crawl/ssrf.ts';
import { ConfigError } from './errors.ts';

const optionalUrl = z.url().optional();

const Env = z.object({
  NIANBAO_DATA_DIR: z.string().default('.data'),
  NIANBAO_REGISTRY: z.string().default('seeds/bodies.json'),
  NIANBAO_TABLE: z.string().default('nianbao'),
  NIANBAO_BUCKET: z.string().default('nianbao-raw'),
  AWS_REGION: z.string().default('cn-north-1'),
  /** Point at real services instead of the embedded stand-ins. */
  NIANBAO_DYNAMODB_ENDPOINT: optionalUrl,
  NIANBAO_S3_ENDPOINT: optionalUrl,
  NIANBAO_SMTP_URL: optionalUrl,
  NIANBAO_MAIL_TRANSPORT: z.enum(['smtp', 'ses']).default('smtp'),
  NIANBAO_MAIL_FROM: z.string().default('nianbao-watch <alerts@nianbao-watch.local>'),
  NIANBAO_ADMIN_EMAIL: z.string().default('admin@nianbao-watch.local'),
  NIANBAO_USER_AGENT: z
    .string()
    .default('nianbao-watch/0.1 (+https://github.com/nianbao-watch/nianbao-watch)'),
  NIANBAO_HOST_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  NIANBAO_CONCURRENCY: z.coerce.number().int().min(1).default(8),
  /** Bodies crawled at once: most wait out host delays, so there are more of them than requests in flight (NIANBAO_CONCURRENCY). */
  NIANBAO_CRAWL_WORKERS: z.coerce.number().int().min(1).default(32),
  NIANBAO_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  NIANBAO_TICK_MINUTES: z.coerce.number().min(0.1).default(60),
  /** Freeze "today" (YYYY-MM-DD) for demos and reproducible runs. */
  NIANBAO_TODAY: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** Port of the local HTTP API (0: any free port, printed at start). */
  NIANBAO_API_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Secret for the API's /admin routes; `start` generates and prints one when unset. */
  NIANBAO_ADMIN_TOKEN: z.string().min(16).optional(),
  NIANBAO_FAILURES_BEFORE_ADMIN_ALERT: z.coerce.number().int().min(1).default(3),
  /** Days between re-checks of a known report page for silent edits (0: every cycle). */
  NIANBAO_REPORT_RECHECK_DAYS: z.coerce.number().min(0).default(7),
  /**
   * Comma-separated origins (`http://10.1.2.3:8080`) the crawler may reach although they are private,
   * loopback or link-local: the SSRF guard refuses every other such target. The embedded demo portal's
   * origins are allowed without it.
   */
  NIANBAO_ALLOW_PRIVATE_ORIGINS: z
    .string()
    .default('')
    .transform((list, ctx) => {
      const origins: string[] = [];
      for (const entry of list.split(',').map((e) => e.trim())) {
        if (!entry) continue;
        try {
          origins.push(normaliseOrigin(entry));
        } catch {
          ctx.addIssue({ code: 'custom', message: `not an http(s) origin: "${entry}"` });
        }
      }
      return origins;
    }),
});
export type Config = z.infer<typeof Env>;

/** Reads the environment once and fails fast with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
