import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { loadConfig } from '../../src/config/load-config.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('configuration', () => {
  it('needs nothing for the embedded default', () => {
    const config = loadConfig({ flags: {}, env: {}, configFile: undefined });
    assert.deepEqual(config, {
      dataDir: './.gamepipe',
      redisUrl: undefined,
      kafkaBrokers: undefined,
      topic: 'events',
      host: 'localhost',
      port: 5000,
      itemCatalog: undefined,
      lake: undefined,
      webhdfsUrl: undefined,
      s3Endpoint: undefined,
      hdfsUser: process.env.USER || 'gamepipe',
      engine: undefined,
      trinoUrl: undefined,
      prestoUrl: undefined,
      metastoreUrl: undefined,
      tableFormat: 'hive',
      logPersonalFields: 'plain',
      catalog: 'hive',
      schema: 'default',
      statusToken: undefined,
      metricsAccess: 'open',
      signupLimit: 20,
      signupWindow: 600_000,
      signupLimitExempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
      trustProxy: undefined,
      redisPrefix: 'gamepipe:',
    });
  });

  it('takes a flag over the environment, the environment over the file, the file over the default', () => {
    const file = join(tempDir(), 'gamepipe.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        topic: 'from-file',
        port: 6001,
        kafkaBrokers: ['10.0.0.1:9092', '10.0.0.2:9092'],
        dataDir: '/from/file',
      }),
    );
    const config = loadConfig({
      flags: { topic: 'from-flag' },
      env: { GAMEPIPE_TOPIC: 'from-env', GAMEPIPE_PORT: '6002' },
      configFile: file,
    });
    assert.equal(config.topic, 'from-flag');
    assert.equal(config.port, 6002);
    assert.deepEqual(config.kafkaBrokers, ['10.0.0.1:9092', '10.0.0.2:9092']);
    assert.equal(config.dataDir, '/from/file');
  });

  it('takes a lake on S3 and an S3-compatible endpoint', () => {
    const config = loadConfig({
      flags: { lake: 's3://game-lake/prod/events' },
      env: { GAMEPIPE_S3_ENDPOINT: 'http://127.0.0.1:9000' },
    });
    assert.equal(config.lake, 's3://game-lake/prod/events');
    assert.equal(config.s3Endpoint, 'http://127.0.0.1:9000');
  });

  it('refuses bad values and unknown file keys with one clear message', () => {
    const cases: [Parameters<typeof loadConfig>[0], RegExp][] = [
      [
        { flags: { redisUrl: 'http://127.0.0.1:6379' }, env: {} },
        /invalid redis URL "http:\/\/127.0.0.1:6379": expected redis:\/\/host:port/,
      ],
      [{ flags: {}, env: { GAMEPIPE_KAFKA_BROKERS: 'nohost' } }, /invalid Kafka brokers "nohost"/],
      [{ flags: { port: '70000' }, env: {} }, /invalid port "70000"/],
      [{ flags: { topic: 'bad topic' }, env: {} }, /invalid topic/],
      [{ flags: { lake: 's3://' }, env: {} }, /invalid lake "s3:\/\/": expected s3:\/\/bucket\/prefix/],
      [{ flags: { lake: 's3://UPPER/x' }, env: {} }, /invalid lake/],
      [{ flags: { lake: 'gs://bucket/x' }, env: {} }, /or s3:\/\/bucket\/prefix/],
      [{ flags: {}, env: { GAMEPIPE_S3_ENDPOINT: 'minio:9000' } }, /invalid S3 endpoint "minio:9000"/],
    ];
    for (const [sources, message] of cases)
      assert.throws(
        () => loadConfig(sources),
        (error: Error & { code?: string }) => error.code === 'CONFIG_INVALID' && message.test(error.message),
      );
    const file = join(tempDir(), 'c.json');
    writeFileSync(file, JSON.stringify({ redisURL: 'redis://x:1' }));
    assert.throws(() => loadConfig({ flags: {}, env: {}, configFile: file }), /unknown keys: redisURL/);
    assert.throws(
      () => loadConfig({ flags: {}, env: {}, configFile: join(tempDir(), 'missing.json') }),
      /does not exist/,
    );
  });
});

describe('item catalog', () => {
  it('draws qualities by their odds', () => {
    const catalog = Catalog.fromFile(undefined);
    assert.equal(catalog.drawQuality(0).name, 'common');
    assert.equal(catalog.drawQuality(0.999).name, 'legendary');
    const draws = Array.from({ length: 10_000 }, (_, i) => catalog.drawQuality((i + 0.5) / 10_000).name);
    assert.equal(draws.filter((q) => q === 'rare').length, 1000, '10 of the 100 odds');
  });

  it('can be replaced by a file, which is validated', () => {
    const file = join(tempDir(), 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({
        qualities: [{ name: 'plain', odds: 1, priceMultiplier: 1 }],
        items: [{ name: 'lute', category: 'instrument', price: 12.5 }],
      }),
    );
    const catalog = Catalog.fromFile(file);
    assert.deepEqual(catalog.itemNames(), ['lute']);
    assert.equal(catalog.unitPrice(catalog.item('lute')!, catalog.quality('plain')!), 12.5);
    writeFileSync(file, JSON.stringify({ qualities: [], items: [{ name: 'Lute!', category: 'x', price: -1 }] }));
    assert.throws(
      () => Catalog.fromFile(file),
      (error: Error & { code?: string }) => error.code === 'CONFIG_INVALID',
    );
  });
});
