/** The required deploy parameters (README runbook) the infra tests deploy with; nothing defaults to an example sender. */
export const SETTINGS = {
  mailFrom: 'nianbao-watch <alerts@watch.example.org>',
  adminEmail: 'admin@example.org',
  alarmEmail: 'oncall@example.org',
  mailTransport: 'ses',
} as const;
