import pkg from '../../package.json' with { type: 'json' };
import type { PackageSoftware } from './package-build.ts';

/**
 * The software that makes a package, as its statement names it: the name and version in package.json and
 * the user agent the crawler is configured with (NIANBAO_USER_AGENT), when the caller knows it.
 */
export function softwareInfo(userAgent?: string): PackageSoftware {
  return { name: pkg.name, version: pkg.version, ...(userAgent ? { userAgent } : {}) };
}
