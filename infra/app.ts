import { App } from 'aws-cdk-lib';
import { NianbaoStack, PipelineSettings } from './stack.ts';

const app = new App();
const settings = PipelineSettings.safeParse({
  mailFrom: app.node.tryGetContext('mailFrom'),
  adminEmail: app.node.tryGetContext('adminEmail'),
  alarmEmail: app.node.tryGetContext('alarmEmail'),
});
if (!settings.success) {
  throw new Error(
    `invalid CDK context: ${settings.error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
  );
}
// Environment-agnostic: no account or region lookups, so `cdk synth` runs offline.
new NianbaoStack(app, 'NianbaoWatch', {
  description: 'nianbao-watch: government annual disclosure report watch',
  settings: settings.data,
});
app.synth();
