import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { NianbaoStack, PipelineSettings } from '../../../infra/stack.ts';
import { SETTINGS } from './settings.ts';

/**
 * cdk-nag 3 runs as a CDK validation plugin: a finding that is not acknowledged (with its reason, in the
 * construct that causes it) fails the synth with a report. Both mail transports are checked: they build
 * different resources (SES identity and events, or the SMTP secret).
 */
// The first synth pays the CDK's import and every construct's: past 60 s on a loaded machine (a hang guard,
// not a speed assertion).
describe('cdk-nag AwsSolutions', { timeout: 300_000 }, () => {
  for (const mailTransport of ['ses', 'smtp'] as const) {
    it(`reports no unacknowledged finding with mailTransport=${mailTransport}`, () => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      new NianbaoStack(app, 'Nag', { settings: PipelineSettings.parse({ ...SETTINGS, mailTransport }) });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      let report = '';
      try {
        app.synth();
      } catch (error) {
        report = error instanceof Error ? error.message : String(error);
      }
      expect(report).toBe('');
    });
  }
});
