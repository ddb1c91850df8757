// Placeholder entry point: the composition root arrives with the messaging setup.
return 0;
