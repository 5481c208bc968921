/** Types of ./locked-node.mjs, which stays plain JavaScript to run on any Node. */
export declare function lockedNode(root: string): { readonly name: string; readonly version: string; readonly executable: string } | undefined;
