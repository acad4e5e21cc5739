/**
 * Which hosts count as government. Since 2018 (国办发〔2017〕47号) government sites must use `gov.cn`;
 * a report served from or pointing at anything else is either a hijacked mirror or an outsourced copy.
 */
const GOV_SUFFIXES = ['.gov.cn', '.gov.hk', '.gov.mo'] as const;

/** Webmail providers small offices really use for contact addresses (not evidence of a mirror). */
export const WEBMAIL_DOMAINS: ReadonlySet<string> = new Set([
  'qq.com',
  'vip.qq.com',
  'foxmail.com',
  '163.com',
  'vip.163.com',
  '126.com',
  'yeah.net',
  'sina.com',
  'sina.cn',
  'vip.sina.com',
  'sohu.com',
  '139.com',
  '189.cn',
  'wo.cn',
  '21cn.com',
  'tom.com',
  'aliyun.com',
  'hotmail.com',
  'outlook.com',
  'gmail.com',
  'yahoo.com',
  'yahoo.com.cn',
]);

export function isGovernmentHost(host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return h === 'gov.cn' || GOV_SUFFIXES.some((suffix) => h.endsWith(suffix));
}

/** Loopback, private and demo hosts: where tests and the embedded demo portal serve pages; never judged. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  if (h === '' || h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.test') || h === '[::1]')
    return true;
  return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.0\.0\.0)/.test(h);
}
