import { join } from 'node:path';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerImports, layers } from '../../tools/lint/layers.js';
import { projectDir } from '../../tools/tool-paths.ts';

// The rule on its own: file names are resolved against the project root, as eslint.config.js runs it.
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const at = (file: string): string => join(projectDir, file);

describe('the layer-imports rule', () => {
  it('fires on imports against the layers and lets the others through', () => {
    tester.run('layer-imports', layerImports, {
      valid: [
        { filename: at('workflows/a.ts'), code: "import { x } from '../api/ids.ts';" },
        { filename: at('workflows/a.ts'), code: "import type { LifecycleActivities } from '../activities/lifecycle-activities.ts';" },
        { filename: at('workflows/a.ts'), code: "import { type A, type B } from '../activities/x.ts';" },
        { filename: at('client/cli/a.ts'), code: "import { planCluster } from '../../plan/cluster-plan.ts';" },
        // A folder of the simulator that shares a layer's name is still the simulator.
        { filename: at('sim/proxmox/http/a.ts'), code: "import { x } from '../api/nodes.ts';" },
        { filename: at('test/workflows/a.ts'), code: "import { x } from '../../sim/talos/index.ts';" },
        { filename: at('workers/main.ts'), code: "import { x } from 'node:fs';" },
      ],
      invalid: [
        {
          filename: at('api/a.ts'),
          code: "import type { ClusterPlan } from '../plan/cluster-plan.ts';",
          errors: [{ messageId: 'upward' }],
        },
        {
          filename: at('workflows/a.ts'),
          code: "import { createLifecycleActivities } from '../activities/lifecycle-activities.ts';",
          errors: [{ messageId: 'typesOnly' }],
        },
        {
          filename: at('workflows/a.ts'),
          code: "import type { X } from '../workers/lifecycle-worker.ts';",
          errors: [{ messageId: 'upward' }],
        },
        {
          filename: at('client/controller/a.ts'),
          code: "import { clusterWorkflow } from '../../workflows/cluster-workflow.ts';",
          errors: [{ messageId: 'upward' }],
        },
        { filename: at('client/cli/a.ts'), code: "export { x } from '../../activities/x.ts';", errors: [{ messageId: 'upward' }] },
        { filename: at('workers/main.ts'), code: "import { x } from '../client/x.ts';", errors: [{ messageId: 'upward' }] },
        { filename: at('embedded/start.ts'), code: "const m = await import('../test/harness/x.ts');", errors: [{ messageId: 'upward' }] },
        { filename: at('bench/index.ts'), code: "import { x } from '../test/harness/x.ts';", errors: [{ messageId: 'upward' }] },
        { filename: at('activities/a.ts'), code: "import { x } from '../sim/proxmox/index.ts';", errors: [{ messageId: 'upward' }] },
        { filename: at('sim/talos/a.ts'), code: "import { x } from '../../activities/x.ts';", errors: [{ messageId: 'upward' }] },
      ],
    });
  });

  it('keeps production code away from sim/ and tests', () => {
    for (const production of ['api', 'plan', 'activities', 'workflows', 'runtime', 'workers', 'client']) {
      expect(layers[production]?.values, production).not.toContain('sim');
      expect(layers[production]?.values, production).not.toContain('test');
    }
  });
});

// The project's own lint, as `npm test` runs it: an upward import in a real file fails.
describe('eslint.config.js', () => {
  it('reports an upward import with the layer rule and its sentence', async () => {
    const eslint = new ESLint({ cwd: projectDir });
    const [result] = await eslint.lintText(
      "import { createController } from '../client/controller/index.ts';\nexport const used = createController;\n",
      {
        filePath: at('workflows/index.ts'),
      },
    );
    const messages = result?.messages.filter((m) => m.ruleId === 'capstan/layer-imports').map((m) => m.message);
    expect(messages).toEqual([
      'workflows/ may not import client/ (workflows/ imports api/, plan/, and only types from activities/; see DESIGN.md, "Layers").',
    ]);
  }, 120_000);
});
