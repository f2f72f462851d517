// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

/// @title A plain ERC-4626 vault that keeps its asset idle; a donation of the asset raises the share price.
contract DemoVault is ERC4626 {
    uint8 private immutable offset;

    constructor(IERC20 asset_, string memory name_, string memory symbol_, uint8 decimalsOffset_)
        ERC20(name_, symbol_)
        ERC4626(asset_)
    {
        offset = decimalsOffset_;
    }

    function _decimalsOffset() internal view override returns (uint8) {
        return offset;
    }
}
