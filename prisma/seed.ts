/**
 * A bilingual demo catalog, so a newcomer has something to browse and buy on first start. Runs only on an empty
 * catalog; a creator's own products are never touched.
 */
import type { PrismaClient } from "./generated/client.js";

const DAY = 86_400_000;

export async function seedDemoCatalog(prisma: PrismaClient, now = new Date()): Promise<boolean> {
  if ((await prisma.product.count()) > 0) return false;
  await prisma.$transaction(async (tx) => {
    const tag = async (slug: string, nameEn: string, nameZh: string) =>
      (await tx.tag.create({ data: { slug, nameEn, nameZh } })).id;
    const python = await tag("python", "Python", "Python");
    const data = await tag("data", "Data", "数据");
    const ai = await tag("ai", "AI", "人工智能");
    const growth = await tag("growth", "Growth", "增长");
    const live = await tag("live", "Live", "直播");

    const pythonCourse = await tx.product.create({
      data: {
        kind: "COURSE",
        slug: "python-data-analysis",
        titleEn: "Python for Data Analysis",
        titleZh: "Python 数据分析入门",
        summaryEn:
          "From your first DataFrame to a clean report: pandas, plotting and the habits that keep analyses honest.",
        summaryZh: "从第一个 DataFrame 到一份清晰的报告：pandas、绘图，以及让分析可靠的好习惯。",
        bodyEn:
          "Load CSV files with pandas.read_csv, clean missing values with dropna or fillna, group with groupby, and plot with matplotlib.",
        bodyZh:
          "用 pandas.read_csv 读取 CSV 文件，用 dropna 或 fillna 处理缺失值，用 groupby 分组，用 matplotlib 绘图。",
        offers: { create: { amount: 4900, currency: "usd", starsAmount: 2500 } },
        tags: { create: [{ tagId: python }, { tagId: data }] },
        lessons: {
          create: [
            {
              position: 1,
              slug: "lesson-1",
              titleEn: "Setting up Jupyter",
              titleZh: "配置 Jupyter",
              contentEn: "Install Python 3.12 and run `pip install jupyter pandas`.",
              contentZh: "安装 Python 3.12，然后运行 `pip install jupyter pandas`。",
            },
            {
              position: 2,
              slug: "lesson-2",
              titleEn: "DataFrames in practice",
              titleZh: "DataFrame 实战",
              contentEn: "Select columns with df[['a','b']], filter rows with df[df.a > 3].",
              contentZh: "用 df[['a','b']] 选择列，用 df[df.a > 3] 筛选行。",
            },
            {
              position: 3,
              slug: "lesson-3",
              titleEn: "Your first report",
              titleZh: "你的第一份报告",
              contentEn: "Group, aggregate and export to Excel with df.to_excel.",
              contentZh: "分组、聚合，并用 df.to_excel 导出到 Excel。",
            },
          ],
        },
      },
    });
    const promptCourse = await tx.product.create({
      data: {
        kind: "COURSE",
        slug: "prompt-engineering",
        titleEn: "Prompt Engineering Masterclass",
        titleZh: "提示词工程大师课",
        summaryEn: "Write prompts that work the first time, evaluate them, and ship assistants people trust.",
        summaryZh: "写出一次就有效的提示词，学会评估它们，做出让人信赖的助手。",
        offers: { create: { amount: 19900, currency: "cny", starsAmount: 1500 } },
        tags: { create: [{ tagId: ai }] },
        lessons: {
          create: [
            { position: 1, slug: "lesson-1", titleEn: "Roles, context and examples", titleZh: "角色、上下文与示例" },
            { position: 2, slug: "lesson-2", titleEn: "Evaluating prompts", titleZh: "评估提示词" },
          ],
        },
      },
    });
    await tx.product.create({
      data: {
        kind: "ARTICLE",
        slug: "ten-thousand-members",
        titleEn: "How I Grew to 10,000 Members",
        titleZh: "我如何做到一万名会员",
        summaryEn: "The channels, the pricing experiments and the mistakes, with numbers.",
        summaryZh: "渠道、定价实验和踩过的坑，附真实数据。",
        offers: { create: { amount: 900, currency: "usd", accessDays: 365, starsAmount: 450 } },
        tags: { create: [{ tagId: growth }] },
      },
    });
    await tx.product.create({
      data: {
        kind: "LIVE_SESSION",
        slug: "live-shipping-side-projects",
        titleEn: "Live Q&A: Shipping Side Projects",
        titleZh: "直播答疑：如何把个人项目做完",
        summaryEn: "One hour, your questions, live.",
        summaryZh: "一小时，现场回答你的问题。",
        startsAt: new Date(now.getTime() + 7 * DAY),
        durationMin: 60,
        offers: { create: { amount: 1900, currency: "usd", starsAmount: 1000 } },
        tags: { create: [{ tagId: growth }, { tagId: live }] },
      },
    });
    const membership = await tx.product.create({
      data: {
        kind: "COURSE",
        slug: "inner-circle",
        titleEn: "Inner Circle membership",
        titleZh: "核心圈会员",
        summaryEn: "Monthly: every new lesson, the members' lounge and a monthly live call.",
        summaryZh: "按月订阅：所有新课、会员休息室和每月一次的直播。",
        offers: {
          create: {
            kind: "RECURRING",
            interval: "MONTH",
            amount: 1500,
            currency: "usd",
            trialDays: 7,
            starsAmount: 750,
          },
        },
        tags: { create: [{ tagId: growth }] },
      },
    });
    const bundle = await tx.product.create({
      data: {
        kind: "BUNDLE",
        slug: "data-ai-bundle",
        titleEn: "Data & AI bundle",
        titleZh: "数据与 AI 套餐",
        summaryEn: "Both courses for less.",
        summaryZh: "两门课程，更优惠。",
        offers: { create: { amount: 7900, currency: "usd", starsAmount: 4000 } },
        tags: { create: [{ tagId: data }, { tagId: ai }] },
        bundleItems: { create: [{ productId: pythonCourse.id }, { productId: promptCourse.id }] },
      },
    });
    await tx.coupon.create({ data: { code: "WELCOME10", percentOff: 10 } });
    await tx.gate.create({
      data: {
        platform: "CONSOLE",
        externalId: "#members-lounge",
        title: "#members-lounge",
        products: {
          create: [
            { productId: pythonCourse.id },
            { productId: promptCourse.id },
            { productId: membership.id },
            { productId: bundle.id },
          ],
        },
      },
    });
  });
  return true;
}
