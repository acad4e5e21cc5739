import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NianbaoStack, PipelineSettings } from './stack.ts';

const app = new App();
const context = (name: string) => app.node.tryGetContext(name);
const settings = PipelineSettings.safeParse({
  mailFrom: context('mailFrom'),
  adminEmail: context('adminEmail'),
  alarmEmail: context('alarmEmail'),
  mailTransport: context('mailTransport'),
  sesRegion: context('sesRegion'),
  sesIdentity: context('sesIdentity'),
  retentionYears: context('retentionYears'),
  publicUrl: context('publicUrl'),
  tunables: context('tunables') ? JSON.parse(context('tunables')) : undefined,
});
if (!settings.success) {
  throw new Error(
    `missing or invalid deploy parameters (README, "Deploying to AWS"): ${settings.error.issues
      .map((i) => `-c ${i.path.join('.')}: ${i.message}`)
      .join('; ')}`,
  );
}
// Environment-agnostic: no account or region lookups, so `cdk synth` runs offline.
new NianbaoStack(app, 'NianbaoWatch', {
  description: 'nianbao-watch: government annual disclosure report watch',
  settings: settings.data,
});
// Every synth and deploy is checked against the AWS Solutions rules; acknowledgements carry their reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
