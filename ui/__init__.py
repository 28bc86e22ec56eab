"""What the pages share: figure builders, session state, the page frame and widgets."""
