"""Work on human tasks: the one door for viewing, claiming, drafting and completing a task; the inbox.

Every door (the API, the web pages, scripts) calls these services; none re-implements a rule:
- `lookup.visible_task` / `lookup.workable_task`: 404 for a task of a center the caller may not see, 403 for a
  visible task outside the caller's lane and organisation;
- `actions`: claim, unclaim, save a draft, complete — each one locked transaction that commits once;
- `attachments`: files referenced by form data and new uploads stored with the submission;
- `view`: what a task shows (form, prefill, context, checks, earlier submissions);
- `inbox`: the ready tasks of a user.
"""
