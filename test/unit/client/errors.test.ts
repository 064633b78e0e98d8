// errorForCode maps every wire code to its class; the classes carry code, name and path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/protocol/index.ts';
import {
  ClientClosedError,
  NoNodeError,
  SessionExpiredError,
  ZooKeeperError,
  errorForCode,
} from '../../../src/client/errors.ts';

void describe('client errors', () => {
  void it('has a class per known code', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      if (code === 0) continue;
      const error = errorForCode(code, '/p');
      assert.ok(error instanceof ZooKeeperError);
      assert.equal(error.code, code);
      assert.equal(error.codeName, name);
      assert.equal(error.path, '/p');
      assert.notEqual(error.name, 'ZooKeeperError', `${name} has its own class`);
    }
  });

  void it('is catchable by class and prints its code', () => {
    const error = errorForCode(ErrorCode.noNode, '/missing');
    assert.ok(error instanceof NoNodeError);
    assert.equal(error.name, 'NoNodeError');
    assert.match(error.message, /noNode \(-101\) for \/missing/);
    assert.ok(new ClientClosedError() instanceof SessionExpiredError);
    assert.equal(errorForCode(-999).codeName, 'unknown(-999)');
  });
});
