"""National identity and tax numbers beyond the US: one detector per identifier."""

from __future__ import annotations

from scanners.detectors.base import Detector
from scanners.detectors.national import (
    au_tfn,
    be_national_number,
    br_cpf,
    ca_sin,
    ch_ahv,
    cn_ric,
    de_steuer_id,
    dk_cpr,
    es_dni,
    es_nie,
    fi_hetu,
    fr_nir,
    gb_nino,
    in_aadhaar,
    in_pan,
    it_codice_fiscale,
    jp_my_number,
    kr_rrn,
    mx_curp,
    nl_bsn,
    no_fodselsnummer,
    pl_pesel,
    se_personnummer,
    sg_nric,
    tr_tc_kimlik,
    za_id_number,
)

__all__ = ["NATIONAL_ID_DETECTORS"]

NATIONAL_ID_DETECTORS: tuple[Detector, ...] = (
    gb_nino.DETECTOR,
    de_steuer_id.DETECTOR,
    fr_nir.DETECTOR,
    es_dni.DETECTOR,
    es_nie.DETECTOR,
    it_codice_fiscale.DETECTOR,
    nl_bsn.DETECTOR,
    be_national_number.DETECTOR,
    pl_pesel.DETECTOR,
    se_personnummer.DETECTOR,
    ca_sin.DETECTOR,
    in_aadhaar.DETECTOR,
    in_pan.DETECTOR,
    br_cpf.DETECTOR,
    au_tfn.DETECTOR,
    jp_my_number.DETECTOR,
    kr_rrn.DETECTOR,
    mx_curp.DETECTOR,
    za_id_number.DETECTOR,
    sg_nric.DETECTOR,
    cn_ric.DETECTOR,
    dk_cpr.DETECTOR,
    fi_hetu.DETECTOR,
    no_fodselsnummer.DETECTOR,
    ch_ahv.DETECTOR,
    tr_tc_kimlik.DETECTOR,
)
