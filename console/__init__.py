"""Staff console for a video streaming platform."""
