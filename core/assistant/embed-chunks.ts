/**
 * Fills the vectors of chunks that have none, or one from another model, in batches. Two kinds, each in its own
 * column: `embedding`, from the configured embeddings endpoint (title, headings and text; fused with the lexical
 * ranking), and `encoding`, from the bundled sentence encoder (the text of English passages; a re-ranker feature).
 * Called after indexing; a failure leaves the remaining chunks for the next run (retrieval works without them).
 */
import type { Database } from "../context.js";
import { type EmbeddingsPort, vectorToBytes } from "./embeddings-port.js";
import { questionLanguage } from "./question-language.js";

export type VectorKind = "embedding" | "encoding";

/**
 * @example await embedChunks({ prisma, embeddings }) // { embedded: 120 }
 * @example await embedChunks({ prisma, embeddings: encoder, kind: "encoding" })
 */
export async function embedChunks(options: {
  prisma: Database;
  embeddings: EmbeddingsPort;
  kind?: VectorKind;
  batchSize?: number;
}): Promise<{ embedded: number }> {
  const { prisma, embeddings } = options;
  const kind = options.kind ?? "embedding";
  const batchSize = options.batchSize ?? (kind === "encoding" ? 16 : 64);
  const stale = [{ [`${kind}Model`]: null }, { [`${kind}Model`]: { not: embeddings.model } }];
  let embedded = 0;
  for (;;) {
    const batch = await prisma.knowledgeChunk.findMany({
      where: { OR: stale },
      select: { id: true, title: true, headingPath: true, content: true },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (batch.length === 0) return { embedded };
    // The encoder reads English only: other passages are marked done without a vector.
    const wanted = kind === "encoding" ? batch.filter((chunk) => questionLanguage(chunk.content) === "en") : batch;
    const vectors = await embeddings.embed(
      wanted.map((chunk) =>
        kind === "encoding"
          ? chunk.content
          : [chunk.title, chunk.headingPath, chunk.content].filter(Boolean).join("\n"),
      ),
    );
    const vectorOf = new Map(wanted.map((chunk, i) => [chunk.id, vectors[i] ?? null]));
    await prisma.$transaction(
      batch.map((chunk) => {
        const vector = vectorOf.get(chunk.id);
        return prisma.knowledgeChunk.update({
          where: { id: chunk.id },
          data: { [kind]: vector ? vectorToBytes(vector) : null, [`${kind}Model`]: embeddings.model },
        });
      }),
    );
    embedded += wanted.length;
  }
}

/**
 * Both kinds of vectors after indexing: the sentence encoder's, then the endpoint's (either may be absent). Without
 * `onError` a failure is thrown (a command reports it); with it, the other kind still runs (the background job).
 *
 * @example const { encoded, embedded } = await fillChunkVectors({ prisma, sentenceEncoder, embeddings })
 */
export async function fillChunkVectors(options: {
  prisma: Database;
  sentenceEncoder: EmbeddingsPort | null;
  embeddings: EmbeddingsPort | null;
  onError?: (kind: VectorKind, error: unknown) => void;
}): Promise<{ encoded: number; embedded: number }> {
  const fill = async (port: EmbeddingsPort | null, kind: VectorKind) => {
    if (!port) return 0;
    try {
      return (await embedChunks({ prisma: options.prisma, embeddings: port, kind })).embedded;
    } catch (error) {
      if (!options.onError) throw error;
      options.onError(kind, error);
      return 0;
    }
  };
  const encoded = await fill(options.sentenceEncoder, "encoding");
  return { encoded, embedded: await fill(options.embeddings, "embedding") };
}
