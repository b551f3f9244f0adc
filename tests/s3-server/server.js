// An S3-compatible server (s3rver) for GitTrack's tests: bound to 127.0.0.1 on a port the system picks, one bucket,
// objects kept on disk in the folder given. Prints "listening <port>" once it accepts requests; stops on SIGTERM.
// The access key and secret come from S3_ACCESS_KEY and S3_SECRET_KEY (s3rver's own S3RVER/S3RVER when unset).
// usage: node server.js DIRECTORY BUCKET
'use strict';
const crypto = require('crypto');

// s3rver makes ListObjectsV2 continuation tokens with single DES ('des'), which OpenSSL 3 (Node 17 and later) only
// has in its legacy provider: every listing of more than max-keys objects failed with InternalError. Triple DES with
// three equal keys is single DES, byte for byte, and is in OpenSSL 3's default provider, so 'des' is mapped to it.
for (const name of ['createCipheriv', 'createDecipheriv']) {
  const original = crypto[name];
  crypto[name] = (algorithm, key, iv, options) =>
    algorithm === 'des' ? original('des-ede3-cbc', Buffer.concat([key, key, key]), iv, options) : original(algorithm, key, iv, options);
}
const S3rver = require('s3rver');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error('usage: node server.js DIRECTORY BUCKET');
  process.exit(2);
}
if (process.env.S3_ACCESS_KEY && process.env.S3_SECRET_KEY) {
  DUMMY_ACCOUNT.createKeyPair(process.env.S3_ACCESS_KEY, process.env.S3_SECRET_KEY);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});
server.run().then(
  ({ port }) => console.log(`listening ${port}`),
  (error) => {
    console.error(`s3rver failed to start: ${error.message}`);
    process.exit(1);
  },
);
const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
