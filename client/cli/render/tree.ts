/** A node of a displayed tree. */
export interface TreeNode<T> {
  readonly value: T;
  readonly children: readonly TreeNode<T>[];
}

/** One line of a flattened tree: the branch drawing before the node's name, and the node. */
export interface TreeLine<T> {
  readonly prefix: string;
  readonly value: T;
}

/**
 * Flattens a tree depth-first with `clusterctl describe`'s drawing: `├─` and `└─` before a node,
 * `│ ` and two spaces below, so names line up in one column of a table.
 */
export function flattenTree<T>(root: TreeNode<T>): TreeLine<T>[] {
  const lines: TreeLine<T>[] = [{ prefix: '', value: root.value }];
  const visit = (node: TreeNode<T>, indent: string): void => {
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      lines.push({ prefix: `${indent}${last ? '└─' : '├─'}`, value: child.value });
      visit(child, `${indent}${last ? '  ' : '│ '}`);
    });
  };
  visit(root, '');
  return lines;
}

/** A node with children. */
export const node = <T>(value: T, children: readonly TreeNode<T>[] = []): TreeNode<T> => ({ value, children });
