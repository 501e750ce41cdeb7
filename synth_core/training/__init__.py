"""Training: the loop and its callbacks, progress, health, presets, device, estimates."""
