FROM scratch
ARG A0=aaaaaaaaaa
ARG A1=${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}${A0}
ARG A2=${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}${A1}
ARG A3=${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}${A2}
ARG A4=${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}${A3}
ARG A5=${A4}${A4}${A4}${A4}${A4}${A4}${A4}${A4}${A4}${A4}
LABEL x=${A5##*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*ab}
