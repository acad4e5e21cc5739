import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as secrets from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConcernProps } from './common.ts';
import { AppFunction, bindBucket, bindQueueProducer, bindTable } from './function.ts';

export interface ApiProps extends ConcernProps {
  crawlQueue: sqs.Queue;
}

/** HTTP API → api function (shared/api/app.ts): status, subscriptions, admin re-crawl, health. */
export class Api extends Construct {
  readonly http: apigw.HttpApi;
  readonly fn: AppFunction;
  readonly adminToken: secrets.Secret;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.adminToken = new secrets.Secret(this, 'AdminToken', {
      description: 'nianbao-watch: x-admin-token for POST /admin/*',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    this.fn = new AppFunction(this, 'Function', {
      name: 'api',
      description: 'nianbao-watch: HTTP API',
      timeout: Duration.seconds(15),
      environment: {
        ...props.environment,
        // A dynamic reference, resolved at deploy time: the token never appears in the template.
        ADMIN_TOKEN: this.adminToken.secretValue.unsafeUnwrap(),
      },
    });
    bindTable(this.fn, props.storage.table);
    bindBucket(this.fn, props.storage.bucket, 'none');
    bindQueueProducer(this.fn, props.crawlQueue, 'CRAWL_QUEUE_URL');

    this.http = new apigw.HttpApi(this, 'Http', {
      description: 'nianbao-watch API',
      createDefaultStage: false,
    });
    // A public subscribe endpoint: keep abuse from turning into a DynamoDB bill.
    this.http.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 10, burstLimit: 20 },
    });
    const integration = new HttpLambdaIntegration('Lambda', this.fn);
    const routes: Array<[string, apigw.HttpMethod]> = [
      ['/health', apigw.HttpMethod.GET],
      ['/status/{bodyId}', apigw.HttpMethod.GET],
      ['/subscriptions', apigw.HttpMethod.POST],
      ['/admin/recrawl', apigw.HttpMethod.POST],
    ];
    for (const [path, method] of routes) this.http.addRoutes({ path, methods: [method], integration });
    new CfnOutput(this, 'Url', { value: this.http.apiEndpoint, description: 'nianbao-watch API endpoint' });
  }
}
