"""Process design: BPMN validated against the engine and our conventions, drafts, versions, diffs, migration."""
