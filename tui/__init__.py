"""newsreview's application: the CLI, the review store, export, and the Textual review app."""
