import { configurationReferenceProblems } from '@consign/test-support';
import { reconcilerSettings } from '../src/config';

describe('docs/configuration.md, reconciler', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('reconciler', reconcilerSettings)).toEqual([]);
  });
});
