"""Models: the registry of model types (torch-free, ``variants``), the networks, losses and
conditions they share (``core``, ``networks``, ``losses``, ``conditions``), the VAE-GAN's own
core (``vaegan``), the differentially private critic (``private``) and generation
(``build``)."""
