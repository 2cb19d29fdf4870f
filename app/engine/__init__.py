"""The only package that touches SpiffWorkflow: parsing, running, serializing and scripting BPMN."""
