import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repositoryRoot } from './repository';

/** A Kubernetes object, as far as the checks read it. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** `kubectl kustomize <dir>`: what `kubectl apply -k` would apply, offline. */
export function renderKustomization(directory: string): KubernetesObject[] {
  const rendered = execFileSync('kubectl', ['kustomize', join(repositoryRoot, directory)], { encoding: 'utf8', timeout: 60_000 });
  return parseAllDocuments(rendered).map((document) => {
    if (document.errors.length > 0) throw new Error(`kubectl kustomize ${directory} rendered invalid YAML: ${document.errors[0].message}`);
    return document.toJSON() as KubernetesObject;
  });
}

/** A YAML file with merge keys (`<<:`), as Compose reads it. */
export function parseYaml(text: string): unknown {
  return parse(text, { merge: true });
}
