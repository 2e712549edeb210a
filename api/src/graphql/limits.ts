import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  validate,
} from 'graphql';
import { createRequire } from 'node:module';

// The package's ESM build imports graphql's .mjs files, a second copy of graphql next to the
// CommonJS one that type-graphql and Apollo use; its CommonJS build shares theirs.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

/** Rejects operations nested deeper than `maxDepth` fields (fragments followed, introspection included). */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): number => {
      if (!set) return depth;
      let max = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) max = Math.max(max, depthOf(sel.selectionSet, depth + 1, seen));
        else if (sel.kind === Kind.INLINE_FRAGMENT)
          max = Math.max(max, depthOf(sel.selectionSet, depth, seen));
        else if (!seen.has(sel.name.value)) {
          const frag = fragments.get(sel.name.value);
          if (frag)
            max = Math.max(max, depthOf(frag.selectionSet, depth, new Set([...seen, sel.name.value])));
        }
        if (max > maxDepth) return max;
      }
      return max;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query depth ${depth} exceeds the limit of ${maxDepth}`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_DEEP', maxDepth },
            }),
          );
        }
      },
    };
  };
}

/** Refuses operations deeper than `maxDepth`; computes each operation's cost (connections count `first` × children) and refuses costly ones. */
export interface LimitOptions {
  maxDepth: number;
  maxCost: number;
}

/**
 * Depth, then cost, of one operation; null when within limits. Shared by HTTP (Apollo plugin) and
 * WebSocket (graphql-ws onSubscribe), so neither transport can be used to get around them.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  limits: LimitOptions,
): GraphQLError | null {
  const tooDeep = validate(schema, document, [depthLimitRule(limits.maxDepth)])[0];
  if (tooDeep)
    return new GraphQLError(tooDeep.message, {
      extensions: { ...tooDeep.extensions, http: { status: 400 } },
    });
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      operationName: operationName ?? undefined,
      query: document,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    // Variables that do not coerce: the same answer GraphQL execution would give.
    return new GraphQLError((err as Error).message, {
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
  if (cost > limits.maxCost) {
    return new GraphQLError(`Query cost ${cost} exceeds the limit of ${limits.maxCost}`, {
      extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost: limits.maxCost, http: { status: 400 } },
    });
  }
  return null;
}

export function limitsPlugin(schema: () => GraphQLSchema, limits: LimitOptions): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const error = checkOperationLimits(
            schema(),
            document,
            request.variables,
            request.operationName,
            limits,
          );
          if (error) throw error;
        },
      };
    },
  };
}
