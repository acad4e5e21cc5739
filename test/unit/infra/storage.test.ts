import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_TIERING, Storage, TABLE_CLASS } from '../../../infra/constructs/storage.ts';
import { TABLE_CLASS as MODELLED_TABLE_CLASS } from '../../../infra/cost/inputs.ts';

/** The storage construct alone, synthesised: the archive's lifecycle and the table's class (issue 12). */
describe('Storage: archive tiering and the table class', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(new App(), 'StorageTest');
    new Storage(stack, 'Storage', { retentionYears: 10 });
    template = Template.fromStack(stack);
  });

  it('moves raw archive objects over 128 KiB to Glacier Instant Retrieval after 90 days, every version', () => {
    expect(ARCHIVE_TIERING).toEqual({ prefix: 'raw/', minBytes: 131_072, afterDays: 90 });
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3650 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K',
        Rules: Match.arrayWith([
          {
            Id: 'archive-to-glacier-ir',
            Status: 'Enabled',
            Prefix: 'raw/',
            ObjectSizeGreaterThan: 131_072,
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
          },
        ]),
      },
    });
  });

  it('never expires or deletes an archived object: no lifecycle rule of the archive has an expiration', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket')).filter(
      (b) => (b as { Properties?: { ObjectLockEnabled?: boolean } }).Properties?.ObjectLockEnabled,
    );
    expect(buckets).toHaveLength(1);
    const rules = (
      buckets[0] as { Properties: { LifecycleConfiguration: { Rules: Array<Record<string, unknown>> } } }
    ).Properties.LifecycleConfiguration.Rules;
    for (const rule of rules) {
      expect(Object.keys(rule).filter((k) => /Expiration/.test(k))).toEqual([]);
    }
  });

  it('turns on Time to Live for the one attribute rate-limit windows and admin sessions carry', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });

  it('puts the table in the Standard-IA table class, the class the cost model prices', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableClass: 'STANDARD_INFREQUENT_ACCESS' });
    expect(String(TABLE_CLASS)).toBe(MODELLED_TABLE_CLASS);
  });
});
