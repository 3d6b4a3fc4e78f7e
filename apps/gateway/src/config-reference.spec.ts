import { configurationReferenceProblems } from '@consign/test-support';
import { gatewaySettings } from './config';

describe('docs/configuration.md, gateway', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('gateway', gatewaySettings)).toEqual([]);
  });
});
