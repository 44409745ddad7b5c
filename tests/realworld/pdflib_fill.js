// Fills the blank linkage form with pdf-lib (a tool that is not ours).
//   node pdflib_fill.js JOB.json
// JOB: {"in": blank.pdf, "out": out.pdf, "values": {field: text},
//       "flatten": false, "signature_png": null | path, "signature_rect": [x, y, w, h] (PDF points, bottom-left origin)}
// Prints one JSON line: {"ok": true, "flatten_error": null | "message", "flattened": "all" | "text-only" | "no"}.
// pdf-lib's flatten() (and removeField()) throw on our blank: its signature widget has
// no appearance stream. We record the error, give that widget an empty appearance and
// flatten again, which flattens the text fields only.
'use strict';
const fs = require('fs');
const { PDFDocument, PDFSignature } = require('pdf-lib');

async function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const pdf = await PDFDocument.load(fs.readFileSync(job.in));
  const form = pdf.getForm();
  for (const [name, value] of Object.entries(job.values)) form.getTextField(name).setText(value);
  const report = { ok: true, flatten_error: null, flattened: 'no' };
  if (job.signature_png) {
    const png = await pdf.embedPng(fs.readFileSync(job.signature_png));
    const [x, y, w, h] = job.signature_rect;
    pdf.getPages()[0].drawImage(png, { x, y, width: w, height: h });
  }
  if (job.flatten) {
    try {
      form.flatten();
      report.flattened = 'all';
    } catch (e) {
      report.flatten_error = String(e && e.message ? e.message : e).split('\n')[0];
      for (const field of form.getFields()) {
        if (!(field instanceof PDFSignature)) continue;
        for (const w of field.acroField.getWidgets()) {
          const r = w.getRectangle();
          w.setNormalAppearance(pdf.context.register(pdf.context.formXObject([], { BBox: [0, 0, r.width, r.height] })));
        }
      }
      form.flatten();
      report.flattened = 'text-only';
    }
  }
  fs.writeFileSync(job.out, await pdf.save());
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((e) => { process.stdout.write(JSON.stringify({ ok: false, error: String(e) }) + '\n'); process.exit(1); });
