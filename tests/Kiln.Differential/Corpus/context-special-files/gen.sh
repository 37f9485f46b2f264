# A fifo in the context (git cannot hold one).
mkdir -p context; echo f > context/file; mkfifo context/fifo
