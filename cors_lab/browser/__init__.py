"""The browser engine: what a browser decides about each fetch(), modelled on the Fetch Standard and Chromium 156."""
