/**
 * Fills the embeddings of chunks that have none, or one from another model, in batches. Called after indexing when
 * an endpoint is configured; a failure leaves the remaining chunks for the next run (retrieval stays lexical there).
 */
import type { Database } from "../context.js";
import { type EmbeddingsPort, vectorToBytes } from "./embeddings-port.js";

/**
 * @example await embedChunks({ prisma, embeddings }) // { embedded: 120 }
 */
export async function embedChunks(options: {
  prisma: Database;
  embeddings: EmbeddingsPort;
  batchSize?: number;
}): Promise<{ embedded: number }> {
  const { prisma, embeddings } = options;
  const batchSize = options.batchSize ?? 64;
  let embedded = 0;
  for (;;) {
    const batch = await prisma.knowledgeChunk.findMany({
      where: { OR: [{ embeddingModel: null }, { embeddingModel: { not: embeddings.model } }] },
      select: { id: true, title: true, headingPath: true, content: true },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    if (batch.length === 0) return { embedded };
    const vectors = await embeddings.embed(
      batch.map((chunk) => [chunk.title, chunk.headingPath, chunk.content].filter(Boolean).join("\n")),
    );
    await prisma.$transaction(
      batch.map((chunk, i) =>
        prisma.knowledgeChunk.update({
          where: { id: chunk.id },
          data: { embedding: vectorToBytes(vectors[i] ?? new Float32Array()), embeddingModel: embeddings.model },
        }),
      ),
    );
    embedded += batch.length;
  }
}
