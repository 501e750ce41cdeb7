"""The bundle's layout, shared by the writer and the checker (which never imports torch)."""

FORMAT = "synth-studio-handoff"
FORMAT_VERSION = 1
MANIFEST, README = "manifest.json", "README.txt"
CSV, XLSX, REPORT, MODEL = "synthetic.csv", "synthetic.xlsx", "report.html", "model.synth"
