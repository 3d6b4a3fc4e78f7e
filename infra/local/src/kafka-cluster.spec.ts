// infra/tsconfig.json serves the scripts too, so the Jest globals are declared per test file.
/// <reference types="jest" />
import { resolvePaths, resolveSettings } from './config';
import { localClusterLayout } from './infra';
import { clusterNodeProperties, clusterReplication, kafkaNodeStartSpec, type KafkaClusterLayout } from './kafka-cluster';
import { serverProperties } from './kafka';

function properties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line.length > 0 && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as [string, string]),
  );
}

describe('the cluster mode (KAFKA_BROKER_COUNT)', () => {
  const settings = resolveSettings({ KAFKA_BROKER_COUNT: '3' });
  const layout = localClusterLayout(resolvePaths(), settings);

  it("gives each node its own ports, ten apart from the single broker's, and lists all of them as the brokers", () => {
    expect(settings.kafkaNodes).toEqual([
      { nodeId: 1, brokerPort: 9092, controllerPort: 9093, saslSslPort: 9094 },
      { nodeId: 2, brokerPort: 9102, controllerPort: 9103, saslSslPort: 9104 },
      { nodeId: 3, brokerPort: 9112, controllerPort: 9113, saslSslPort: 9114 },
    ]);
    expect(settings.kafkaBrokers).toBe('127.0.0.1:9092,127.0.0.1:9102,127.0.0.1:9112');
    expect(settings.kafkaExternal).toBe(false);
    expect(resolveSettings({ KAFKA_BROKER_COUNT: '3', KAFKA_BROKERS: '127.0.0.1:9102' }).kafkaExternal).toBe(false);
  });

  it('keeps one broker by default and refuses a count it cannot run', () => {
    expect(resolveSettings({}).kafkaBrokerCount).toBe(1);
    expect(resolveSettings({}).kafkaBrokers).toBe('127.0.0.1:9092');
    expect(() => resolveSettings({ KAFKA_BROKER_COUNT: '0' })).toThrow('KAFKA_BROKER_COUNT');
    expect(() => resolveSettings({ KAFKA_BROKER_COUNT: 'three' })).toThrow('KAFKA_BROKER_COUNT');
  });

  it('makes every node a broker and a voter of one static quorum, on its own listeners and data', () => {
    const nodes = layout.nodes.map((node) => properties(clusterNodeProperties(layout, node)));
    for (const [index, node] of nodes.entries()) {
      const id = index + 1;
      expect(node.get('process.roles')).toBe('broker,controller');
      expect(node.get('node.id')).toBe(String(id));
      expect(node.get('controller.quorum.voters')).toBe('1@127.0.0.1:9093,2@127.0.0.1:9103,3@127.0.0.1:9113');
      expect(node.get('listeners')).toBe(
        `PLAINTEXT://127.0.0.1:${9082 + 10 * id},CONTROLLER://127.0.0.1:${9083 + 10 * id},SASL_SSL://127.0.0.1:${9084 + 10 * id}`,
      );
      expect(node.get('log.dirs')).toBe(`${layout.runDir}/node-${id}/data`);
    }
    expect(new Set(nodes.map((node) => node.get('log.dirs'))).size).toBe(3);
  });

  it('replicates every topic, the offsets and the transaction state three times and acknowledges a write once two replicas have it', () => {
    for (const node of layout.nodes.map((address) => properties(clusterNodeProperties(layout, address)))) {
      expect(node.get('default.replication.factor')).toBe('3');
      expect(node.get('min.insync.replicas')).toBe('2');
      expect(node.get('offsets.topic.replication.factor')).toBe('3');
      expect(node.get('transaction.state.log.replication.factor')).toBe('3');
      expect(node.get('transaction.state.log.min.isr')).toBe('2');
      expect(node.get('unclean.leader.election.enable')).toBe('false');
      expect(node.get('auto.create.topics.enable')).toBe('false');
    }
    expect(clusterReplication(1)).toEqual({ replicationFactor: 1, minInSyncReplicas: 1 });
    expect(clusterReplication(5)).toEqual({ replicationFactor: 3, minInSyncReplicas: 2 });
  });

  it('leaves out the SASL_SSL listener of nodes without a port for it (test clusters)', () => {
    const plain: KafkaClusterLayout = {
      host: '127.0.0.1',
      runDir: '/tmp/cluster',
      nodes: [{ nodeId: 1, brokerPort: 40001, controllerPort: 40002 }],
    };
    const node = properties(clusterNodeProperties(plain, plain.nodes[0] ?? { nodeId: 0, brokerPort: 0, controllerPort: 0 }));
    expect(node.get('listeners')).toBe('PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002');
    expect(node.get('listener.security.protocol.map')).toBe('CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT');
    expect(node.has('sasl.enabled.mechanisms')).toBe(false);
  });

  it("runs each node with a small heap and its own marker, which the shared single broker's marker does not match", () => {
    const node = layout.nodes[1] ?? { nodeId: 0, brokerPort: 0, controllerPort: 0 };
    const args = kafkaNodeStartSpec(layout, node, resolvePaths(), '-Xms128m -Xmx256m', 'java').args;
    expect(args.slice(0, 2)).toEqual(['-Xms128m', '-Xmx256m']);
    expect(args).toContain('-Dconsign.infra.part=kafka-node-2');
    expect(args).toContain(`-Dconsign.infra.home=${layout.runDir}`);
    expect(args).not.toContain('-Dconsign.infra.part=kafka');
    expect(args[args.length - 1]).toBe(`${layout.runDir}/node-2/server.properties`);
  });

  it("leaves the single broker's configuration as it was", () => {
    const single = properties(serverProperties(resolvePaths(), resolveSettings({})));
    expect(single.get('default.replication.factor')).toBe('1');
    expect(single.get('controller.quorum.bootstrap.servers')).toBe('127.0.0.1:9093');
    expect(single.has('controller.quorum.voters')).toBe(false);
  });
});
