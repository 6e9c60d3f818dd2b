import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathTemplate } from '../../../../src/client/internal/path-template.js';

describe('pathTemplate', () => {
  it.each([
    ['/v1/webhooks', '/v1/webhooks'],
    ['/v1/webhooks/wh_01j9abc', '/v1/webhooks/{id}'],
    ['/v1/webhooks/wh_1/deliveries/dlv_2/replay', '/v1/webhooks/{id}/deliveries/{id}/replay'],
    ['/v1/webhooks/wh_1/rotate-secret', '/v1/webhooks/{id}/rotate-secret'],
    ['/api/v1/webhooks/3fa85f64-5717-4562-b3fc-2c963f66afa6', '/api/v1/webhooks/{id}'],
    ['/v1/webhooks/x?token=secret#f', '/v1/webhooks/x'],
  ])('%s -> %s', (path, template) => {
    expect(pathTemplate(path)).toBe(template);
  });

  it('never shows a segment with a digit outside v<n>, an underscore or an upper-case letter', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]*[0-9_A-Z][A-Za-z0-9_-]*$/), (id) => {
        fc.pre(!/^v\d{1,3}$/.test(id));
        expect(pathTemplate(`/v1/webhooks/${id}`)).toBe('/v1/webhooks/{id}');
      }),
    );
  });
});
