import { existsSync } from "node:fs";
import type { Chart } from "./charts.js";
import { FONT } from "./charts.js";

/**
 * Charts as SVG and PNG, rendered in Node: Vega-Lite → Vega → SVG (Vega's headless renderer, no canvas and
 * no browser), then SVG → PNG with resvg. Vega and Vega-Lite cost ≈ 0.4 s to import, so they are loaded
 * here, on first use, and never by `run` without `--report`.
 */

/** The fonts the PNGs are drawn with: a fixed file when the system has it, so PNGs do not depend on font lookup. */
export const FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
];

/** PNG pixels per SVG unit: 2 keeps text sharp on high-density screens and in PR comments. */
export const PNG_SCALE = 2;

export interface ChartImages {
  svg: string;
  png: Buffer;
}

type VegaLite = typeof import("vega-lite");
type Vega = typeof import("vega");
let libs: Promise<{ vl: VegaLite; vega: Vega }> | undefined;

function load(): Promise<{ vl: VegaLite; vega: Vega }> {
  libs ??= Promise.all([import("vega-lite"), import("vega")]).then(([vl, vega]) => ({ vl, vega }));
  return libs;
}

/** Compile a Vega-Lite spec to a Vega spec (used by the HTML too, to catch a bad spec before it ships). */
export async function compileSpec(spec: Chart["spec"]): Promise<unknown> {
  const { vl } = await load();
  return vl.compile(spec as unknown as Parameters<VegaLite["compile"]>[0]).spec;
}

export async function renderSvg(chart: Chart): Promise<string> {
  const { vl, vega } = await load();
  const compiled = vl.compile(chart.spec as unknown as Parameters<VegaLite["compile"]>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: PNG_SCALE },
    font: {
      fontFiles,
      loadSystemFonts: fontFiles.length === 0,
      defaultFontFamily: FONT,
      sansSerifFamily: FONT,
    },
  });
  return resvg.render().asPng();
}

export async function renderChart(chart: Chart): Promise<ChartImages> {
  const svg = await renderSvg(chart);
  return { svg, png: await svgToPng(svg) };
}
