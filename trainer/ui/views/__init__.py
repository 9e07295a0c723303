"""The app's pages, one module each: Today, Drill, Review, Bank, Progress, Packs, Settings."""
