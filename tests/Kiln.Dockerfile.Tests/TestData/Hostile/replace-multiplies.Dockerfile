FROM scratch
ARG A0=xxxxxxxxxx
ARG A1=${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}
ARG A2=${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}
ARG A3=${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}
ARG A4=${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}
LABEL x=${A4//?/0123456789ab}
